// SPDX-License-Identifier: GPL-3.0-or-later
#include "threadforest.h"

#include "store/messagemetadata.h"

#include <algorithm>

namespace Heron::Gui {

namespace {

// How often the long loops of build() look at the cancel flag.
constexpr qsizetype kCancelCheckInterval = 4096;

bool unread(quint32 flags)
{
    return (flags & Store::MessageFlags::Seen) == 0;
}

}  // namespace

quint64 ThreadForest::keyOf(QStringView messageId)
{
    if (messageId.isEmpty())
        return 0;
    // 64-bit FNV-1a over the UTF-16 units: stable across runs and platforms, and two ids of one
    // folder colliding is about as likely as two messages reusing one id by mistake.
    quint64 hash = 14695981039346656037ULL;
    for (const QChar c : messageId) {
        hash ^= c.unicode();
        hash *= 1099511628211ULL;
    }
    return hash ? hash : 1;
}

QList<quint64> ThreadForest::parentCandidates(const ThreadingFields &message)
{
    const quint64 own = keyOf(message.messageId);
    const QList<QStringView> references = QStringView(message.references).split(u' ', Qt::SkipEmptyParts);
    QList<quint64> candidates;
    candidates.reserve(references.size() + 1);
    const auto add = [&](QStringView id) {
        const quint64 key = keyOf(id);
        if (key && key != own && !candidates.contains(key))
            candidates.append(key);
    };
    for (auto it = references.crbegin(); it != references.crend(); ++it)
        add(*it);
    add(message.inReplyTo);
    return candidates;
}

ThreadForest ThreadForest::build(const QList<ThreadingFields> &messages, const std::atomic_bool &cancelled)
{
    ThreadForest forest;
    forest.nodes.reserve(size_t(messages.size()));
    forest.slotOfId.reserve(messages.size());
    forest.slotOfKey.reserve(messages.size());
    for (const ThreadingFields &message : messages)
        forest.allocate(message);

    for (qsizetype slot = 0; slot < messages.size(); ++slot) {
        if (slot % kCancelCheckInterval == 0 && cancelled.load(std::memory_order_relaxed))
            return {};
        const ParentChoice choice = forest.chooseParent(int(slot), parentCandidates(messages.at(slot)), false);
        Node &node = forest.node(int(slot));
        node.parent = choice.parent;
        node.parentRank = choice.rank;
    }
    forest.breakCycles();

    for (qsizetype slot = 0; slot < messages.size(); ++slot) {
        const int parent = forest.node(int(slot)).parent;
        if (parent == kNoSlot)
            forest.roots.append(int(slot));
        else
            forest.node(parent).children.append(int(slot));
    }
    for (qsizetype slot = 0; slot < messages.size(); ++slot) {
        if (slot % kCancelCheckInterval == 0 && cancelled.load(std::memory_order_relaxed))
            return {};
        QList<int> &children = forest.node(int(slot)).children;
        if (children.size() > 1)
            std::sort(children.begin(), children.end(), [&](int a, int b) { return forest.childBefore(a, b); });
        forest.renumber(int(slot), 0);
    }
    for (int root : std::as_const(forest.roots))
        forest.countThread(root);
    std::sort(forest.roots.begin(), forest.roots.end(), [&](int a, int b) { return forest.rootBefore(a, b); });
    return forest;
}

bool ThreadForest::isLive(int slot, qint64 id) const
{
    return slot >= 0 && size_t(slot) < nodes.size() && id != 0 && node(slot).id == id;
}

int ThreadForest::rowOf(int slot) const
{
    const Node &n = node(slot);
    if (n.parent != kNoSlot)
        return n.row;
    for (; m_rootRowsValid < roots.size(); ++m_rootRowsValid)
        node(roots.at(m_rootRowsValid)).row = int(m_rootRowsValid);
    return n.row;
}

int ThreadForest::rootOf(int slot) const
{
    while (node(slot).parent != kNoSlot)
        slot = node(slot).parent;
    return slot;
}

int ThreadForest::depthOf(int slot) const
{
    int depth = 0;
    for (; node(slot).parent != kNoSlot; slot = node(slot).parent)
        ++depth;
    return depth;
}

bool ThreadForest::isInSubtree(int slot, int top) const
{
    for (; slot != kNoSlot; slot = node(slot).parent) {
        if (slot == top)
            return true;
    }
    return false;
}

ThreadForest::ParentChoice ThreadForest::chooseParent(int slot, const QList<quint64> &candidates, bool avoidCycles)
{
    const qint64 id = node(slot).id;
    for (int rank = 0; rank < candidates.size(); ++rank) {
        const quint64 key = candidates.at(rank);
        const int found = slotOfKey.value(key, kNoSlot);
        if (found == kNoSlot) {
            QList<Waiter> &waiters = waiting[key];
            const bool known = std::any_of(waiters.cbegin(), waiters.cend(),
                                           [&](const Waiter &w) { return w.slot == slot && w.id == id; });
            if (!known)
                waiters.append({slot, id, rank});
            continue;
        }
        if (found == slot || (avoidCycles && isInSubtree(found, slot)))
            continue;
        return {found, rank};
    }
    return {};
}

bool ThreadForest::rootBefore(int a, int b) const
{
    const Node &x = node(a);
    const Node &y = node(b);
    if (x.newest != y.newest)
        return x.newest > y.newest;
    return x.id > y.id;
}

bool ThreadForest::childBefore(int a, int b) const
{
    const Node &x = node(a);
    const Node &y = node(b);
    if (x.date != y.date)
        return x.date < y.date;
    return x.id < y.id;
}

int ThreadForest::positionAmong(int parent, int slot) const
{
    const QList<int> &siblings = siblingsOf(parent);
    const auto at = parent == kNoSlot ? std::lower_bound(siblings.cbegin(), siblings.cend(), slot,
                                                         [this](int a, int b) { return rootBefore(a, b); })
                                      : std::lower_bound(siblings.cbegin(), siblings.cend(), slot,
                                                         [this](int a, int b) { return childBefore(a, b); });
    return int(at - siblings.cbegin());
}

void ThreadForest::insertAt(int parent, int position, int slot)
{
    node(slot).parent = parent;
    if (parent == kNoSlot)
        roots.insert(position, slot);
    else
        node(parent).children.insert(position, slot);
    renumber(parent, position);
}

void ThreadForest::takeAt(int parent, int position)
{
    const int slot = siblingsOf(parent).at(position);
    if (parent == kNoSlot)
        roots.remove(position);
    else
        node(parent).children.remove(position);
    node(slot).parent = kNoSlot;
    node(slot).parentRank = kNoRank;
    renumber(parent, position);
}

void ThreadForest::renumber(int parent, qsizetype from)
{
    if (parent == kNoSlot) {
        m_rootRowsValid = std::min(m_rootRowsValid, from);
        return;
    }
    const QList<int> &children = node(parent).children;
    for (qsizetype i = from; i < children.size(); ++i)
        node(children.at(i)).row = int(i);
}

void ThreadForest::countThread(int root)
{
    Node &top = node(root);
    top.newest = top.date;
    top.threadSize = 0;
    top.unreadInThread = 0;
    QList<int> pending{root};
    while (!pending.isEmpty()) {
        const Node &n = node(pending.takeLast());
        top.newest = std::max(top.newest, n.date);
        ++top.threadSize;
        if (unread(n.flags))
            ++top.unreadInThread;
        pending.append(n.children);
    }
}

int ThreadForest::allocate(const ThreadingFields &message)
{
    int slot;
    if (freeSlots.isEmpty()) {
        slot = int(nodes.size());
        nodes.emplace_back();
    } else {
        slot = freeSlots.takeLast();
        node(slot) = Node();
    }
    Node &n = node(slot);
    n.id = message.id;
    n.date = message.date;
    n.flags = message.flags;
    n.key = keyOf(message.messageId);
    n.newest = message.date;
    n.unreadInThread = unread(message.flags) ? 1 : 0;
    slotOfId.insert(message.id, slot);
    // A Message-ID seen twice (a copy, a resend) names the first message with it; the others
    // are threaded under their own parents but adopt no replies.
    if (n.key && slotOfKey.contains(n.key))
        sharedKeys.insert(n.key);
    else if (n.key)
        slotOfKey.insert(n.key, slot);
    return slot;
}

void ThreadForest::releaseKey(int slot)
{
    const quint64 key = node(slot).key;
    const auto owner = slotOfKey.constFind(key);
    if (!key || owner == slotOfKey.cend() || *owner != slot)
        return;
    slotOfKey.erase(owner);
    if (!sharedKeys.contains(key))
        return;
    // Rare (copies of one message), so a pass over the nodes rather than an index.
    for (size_t other = 0; other < nodes.size(); ++other) {
        if (int(other) != slot && nodes[other].id != 0 && nodes[other].key == key) {
            slotOfKey.insert(key, int(other));
            return;
        }
    }
    sharedKeys.remove(key);
}

void ThreadForest::release(int slot)
{
    releaseKey(slot);
    Node &n = node(slot);
    slotOfId.remove(n.id);
    n = Node();
    freeSlots.append(slot);
}

void ThreadForest::breakCycles()
{
    enum State : quint8 { Unvisited, OnPath, Done };
    std::vector<quint8> state(nodes.size(), Unvisited);
    QList<int> path;
    for (size_t start = 0; start < nodes.size(); ++start) {
        path.clear();
        int slot = int(start);
        while (slot != kNoSlot && state[size_t(slot)] == Unvisited) {
            state[size_t(slot)] = OnPath;
            path.append(slot);
            slot = node(slot).parent;
        }
        if (slot != kNoSlot && state[size_t(slot)] == OnPath) {
            // The walk came back to itself: the cycle is the path from slot on.
            const auto begin = std::find(path.cbegin(), path.cend(), slot);
            const int oldest = *std::min_element(begin, path.cend(),
                                                 [this](int a, int b) { return childBefore(a, b); });
            node(oldest).parent = kNoSlot;
            node(oldest).parentRank = kNoRank;
        }
        for (int visited : std::as_const(path))
            state[size_t(visited)] = Done;
    }
}

}  // namespace Heron::Gui
