// SPDX-License-Identifier: GPL-3.0-or-later
#include "uidset.h"

#include <algorithm>

namespace Heron {

UidSet UidSet::fromRange(uint32_t first, uint32_t last)
{
    UidSet set;
    set.addRange(first, last);
    return set;
}

void UidSet::addRange(uint32_t first, uint32_t last)
{
    if (first > last)
        std::swap(first, last);
    if (last == 0)
        return;  // 0 is never a UID or sequence number (RFC 3501 §9, nz-number)
    if (first == 0)
        first = 1;
    // Fast paths: appending in ascending order, the common case when building from a scan, either
    // past the last range or extending it.
    if (m_ranges.isEmpty() || (m_ranges.last().last != kStar && first > m_ranges.last().last + 1)) {
        m_ranges.append({first, last});
        return;
    }
    if (Range &tail = m_ranges.last(); first >= tail.first) {
        if (tail.last != kStar)
            tail.last = std::max(tail.last, last);
        return;
    }
    // Find the first range that could touch [first, last].
    auto it = std::lower_bound(m_ranges.begin(), m_ranges.end(), first, [](const Range &r, uint32_t v) {
        return r.last != kStar && r.last + 1 < v;
    });
    auto end = it;
    while (end != m_ranges.end() && (last == kStar || end->first <= last + 1)) {
        first = std::min(first, end->first);
        last = std::max(last, end->last);
        ++end;
    }
    const auto index = it - m_ranges.begin();
    m_ranges.erase(it, end);
    m_ranges.insert(index, {first, last});
}

void UidSet::unite(const UidSet &other)
{
    for (const Range &r : other.m_ranges)
        addRange(r.first, r.last);
}

void UidSet::remove(uint32_t value)
{
    for (qsizetype i = 0; i < m_ranges.size(); ++i) {
        Range r = m_ranges.at(i);
        if (value < r.first)
            return;
        if (value > r.last)
            continue;
        if (r.first == r.last) {
            m_ranges.removeAt(i);
        } else if (value == r.first) {
            m_ranges[i].first = value + 1;
        } else if (value == r.last) {
            m_ranges[i].last = value - 1;
        } else {
            m_ranges[i].last = value - 1;
            m_ranges.insert(i + 1, {value + 1, r.last});
        }
        return;
    }
}

UidSet UidSet::subtracted(const UidSet &other) const
{
    UidSet result;
    qsizetype j = 0;
    const QList<Range> &cut = other.m_ranges;
    for (Range r : m_ranges) {
        uint64_t first = r.first;
        const uint64_t last = r.last;
        while (j < cut.size() && cut.at(j).last < first)
            ++j;
        qsizetype k = j;
        while (first <= last && k < cut.size() && cut.at(k).first <= last) {
            if (cut.at(k).first > first)
                result.m_ranges.append({uint32_t(first), uint32_t(cut.at(k).first - 1)});
            first = uint64_t(cut.at(k).last) + 1;
            ++k;
        }
        if (first <= last)
            result.m_ranges.append({uint32_t(first), uint32_t(last)});
    }
    return result;
}

UidSet UidSet::intersected(const UidSet &other) const
{
    UidSet result;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < m_ranges.size() && j < other.m_ranges.size()) {
        const Range a = m_ranges.at(i);
        const Range b = other.m_ranges.at(j);
        const uint32_t first = std::max(a.first, b.first);
        const uint32_t last = std::min(a.last, b.last);
        if (first <= last)
            result.m_ranges.append({first, last});
        if (a.last < b.last)
            ++i;
        else
            ++j;
    }
    return result;
}

UidSet UidSet::restrictedTo(uint32_t first, uint32_t last) const
{
    if (first > last || first == 0)
        return first > last ? UidSet() : restrictedTo(1, last);
    return intersected(fromRange(first, last));
}

UidSet UidSet::highest(uint64_t count) const
{
    UidSet result;
    for (qsizetype i = m_ranges.size() - 1; i >= 0 && count > 0; --i) {
        const Range r = m_ranges.at(i);
        const uint64_t size = uint64_t(r.last) - r.first + 1;
        const uint64_t take = std::min(size, count);
        result.m_ranges.prepend({uint32_t(uint64_t(r.last) - take + 1), r.last});
        count -= take;
    }
    return result;
}

bool UidSet::contains(uint32_t value) const
{
    auto it = std::lower_bound(m_ranges.begin(), m_ranges.end(), value,
                               [](const Range &r, uint32_t v) { return r.last < v; });
    return it != m_ranges.end() && it->first <= value;
}

uint64_t UidSet::count() const
{
    uint64_t n = 0;
    for (const Range &r : m_ranges)
        n += (r.last == kStar) ? 1 : uint64_t(r.last) - r.first + 1;
    return n;
}

QList<uint32_t> UidSet::toList() const
{
    QList<uint32_t> values;
    values.reserve(qsizetype(std::min<uint64_t>(count(), 1u << 20)));
    for (const Range &r : m_ranges) {
        const uint32_t last = r.last == kStar ? r.first : r.last;
        for (uint64_t v = r.first; v <= last; ++v)
            values.append(uint32_t(v));
    }
    return values;
}

static void appendNumber(QByteArray &out, uint32_t value)
{
    if (value == UidSet::kStar)
        out.append('*');
    else
        out.append(QByteArray::number(value));
}

QByteArray UidSet::toByteArray() const
{
    QByteArray out;
    for (const Range &r : m_ranges) {
        if (!out.isEmpty())
            out.append(',');
        appendNumber(out, r.first);
        if (r.last != r.first) {
            out.append(':');
            appendNumber(out, r.last);
        }
    }
    return out;
}

static bool parseNumber(QByteArrayView text, qsizetype &pos, uint32_t &value)
{
    if (pos < text.size() && text[pos] == '*') {
        ++pos;
        value = UidSet::kStar;
        return true;
    }
    uint64_t n = 0;
    const qsizetype start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        n = n * 10 + uint64_t(text[pos] - '0');
        if (n > 0xFFFFFFFFull)
            return false;
        ++pos;
    }
    if (pos == start || n == 0)
        return false;
    value = uint32_t(n);
    return true;
}

Result<UidSet> UidSet::parse(QByteArrayView text)
{
    UidSet set;
    qsizetype pos = 0;
    if (text.isEmpty())
        return makeError(Error::Code::Protocol, QStringLiteral("empty sequence set"));
    while (true) {
        uint32_t first = 0;
        if (!parseNumber(text, pos, first))
            return makeError(Error::Code::Protocol, QStringLiteral("bad number in sequence set"));
        uint32_t last = first;
        if (pos < text.size() && text[pos] == ':') {
            ++pos;
            if (!parseNumber(text, pos, last))
                return makeError(Error::Code::Protocol, QStringLiteral("bad range in sequence set"));
        }
        set.addRange(first, last);
        if (pos == text.size())
            return set;
        if (text[pos] != ',')
            return makeError(Error::Code::Protocol, QStringLiteral("unexpected character in sequence set"));
        ++pos;
        if (pos == text.size())
            return makeError(Error::Code::Protocol, QStringLiteral("trailing comma in sequence set"));
    }
}

}  // namespace Heron
