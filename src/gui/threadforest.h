// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringView>

#include <atomic>
#include <limits>
#include <vector>

namespace Heron::Gui {

// What threading needs of one message, as the store keeps it: identifiers without angle
// brackets, References space separated and oldest first.
struct ThreadingFields {
    qint64 id = 0;
    qint64 date = 0;  // milliseconds since the epoch: the Date header, else the arrival time
    quint32 flags = 0;
    QString messageId;
    QString inReplyTo;
    QString references;
};

// The messages of a view arranged in threads by References and In-Reply-To, after the
// REFERENCES algorithm of RFC 5256 §3 and Jamie Zawinski's description of it. A message's
// parent is the nearest of its References present in the view (the last first), else its
// In-Reply-To; absent intermediates are skipped, so replies attach to the nearest ancestor
// that is there. Messages are never grouped by subject: two unrelated "Re: Hello" are two
// threads, and a reply with a new subject stays in its thread.
//
// Nodes live in the slots of a vector so that a slot number can name a node in a QModelIndex.
// Message-IDs are held as 64-bit hashes only. A plain value: it is built on a worker thread
// and handed to the GUI thread whole.
struct ThreadForest {
    static constexpr int kNoSlot = -1;
    static constexpr int kNoRank = std::numeric_limits<int>::max();

    struct Node {
        qint64 id = 0;  // message id; 0 for a free slot
        qint64 date = 0;
        quint64 key = 0;  // hash of the Message-ID; 0 when the message has none
        quint32 flags = 0;
        int parent = kNoSlot;
        int parentRank = kNoRank;  // which of the message's parent candidates the parent is
        mutable int row = 0;       // among its siblings; for roots see rowOf()
        QList<int> children;       // oldest first
        // Of a root only: its thread.
        qint64 newest = 0;
        int threadSize = 1;
        int unreadInThread = 0;
    };

    // A message that would take the message of an absent Message-ID as a nearer parent than
    // the one it has, should that message arrive.
    struct Waiter {
        int slot = kNoSlot;
        qint64 id = 0;
        int rank = kNoRank;
    };

    struct ParentChoice {
        int parent = kNoSlot;
        int rank = kNoRank;
    };

    std::vector<Node> nodes;
    QList<int> freeSlots;
    QList<int> roots;  // newest thread activity first
    QHash<qint64, int> slotOfId;
    QHash<quint64, int> slotOfKey;  // the first message with that Message-ID
    QSet<quint64> sharedKeys;       // Message-IDs that more than one message has
    QHash<quint64, QList<Waiter>> waiting;

    static quint64 keyOf(QStringView messageId);
    // Where a message's parent may be found, nearest first: its References from the last,
    // then its In-Reply-To. Never its own Message-ID.
    static QList<quint64> parentCandidates(const ThreadingFields &message);
    // Threads the messages. Cycles (A refers to B, B to A) are broken at their oldest message,
    // which becomes a root. Gives up and returns an empty forest once cancelled is set.
    static ThreadForest build(const QList<ThreadingFields> &messages, const std::atomic_bool &cancelled);

    bool isEmpty() const { return slotOfId.isEmpty(); }
    const Node &node(int slot) const { return nodes[size_t(slot)]; }
    Node &node(int slot) { return nodes[size_t(slot)]; }
    bool isLive(int slot, qint64 id) const;
    int slotOf(qint64 messageId) const { return slotOfId.value(messageId, kNoSlot); }
    // The row of a node among its siblings. Root rows are renumbered lazily: inserting a root
    // near the top of a big folder costs a move of the list, not a pass over it.
    int rowOf(int slot) const;
    int rootOf(int slot) const;
    int depthOf(int slot) const;
    // Whether slot is top or lies below it.
    bool isInSubtree(int slot, int top) const;
    const QList<int> &siblingsOf(int parent) const { return parent == kNoSlot ? roots : node(parent).children; }

    // The nearest present candidate that would not make slot its own ancestor. Candidates
    // nearer than the choice that are absent are noted in waiting.
    ParentChoice chooseParent(int slot, const QList<quint64> &candidates, bool avoidCycles);
    // Where slot would go among the children of parent (the roots for kNoSlot); slot must not
    // be among them. A future root needs its thread counted first (countThread).
    int positionAmong(int parent, int slot) const;
    void insertAt(int parent, int position, int slot);
    void takeAt(int parent, int position);
    // Counts the thread below root into root's newest, threadSize and unreadInThread.
    void countThread(int root);

    // A slot for a new message, not yet placed; its Message-ID is claimed when still free.
    int allocate(const ThreadingFields &message);
    // The message at slot no longer answers to its Message-ID; another message with the same
    // one does, if there is one.
    void releaseKey(int slot);
    // Frees an unplaced slot without children.
    void release(int slot);

private:
    bool rootBefore(int a, int b) const;
    bool childBefore(int a, int b) const;
    void breakCycles();
    void renumber(int parent, qsizetype from);

    mutable qsizetype m_rootRowsValid = 0;  // roots below this index have a correct row
};

}  // namespace Heron::Gui
