// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>

#include <cstdint>

namespace Heron {

// A set of IMAP UIDs or sequence numbers (RFC 3501 §9 "sequence-set"), kept as sorted,
// disjoint, non-adjacent closed ranges. `*` is represented by kStar and only ever ends a range.
class UidSet {
public:
    static constexpr uint32_t kStar = 0xFFFFFFFFu;

    struct Range {
        uint32_t first;
        uint32_t last;  // inclusive; kStar for "*"
        bool operator==(const Range &) const = default;
    };

    UidSet() = default;
    static UidSet fromRange(uint32_t first, uint32_t last);
    template <typename Container>
    static UidSet fromValues(const Container &values)
    {
        UidSet set;
        for (auto v : values)
            set.add(uint32_t(v));
        return set;
    }

    // Parses "1:5,7,9:*". Ranges may be written backwards ("5:1"); a trailing or doubled comma,
    // 0, and numbers over 2^32-1 are errors.
    static Result<UidSet> parse(QByteArrayView text);

    void add(uint32_t value) { addRange(value, value); }
    void addRange(uint32_t first, uint32_t last);
    void unite(const UidSet &other);
    void remove(uint32_t value);
    // Set algebra over concrete values (a range ending in * is taken as ending at 2^32-1).
    UidSet subtracted(const UidSet &other) const;
    UidSet intersected(const UidSet &other) const;
    // The values in [first, last].
    UidSet restrictedTo(uint32_t first, uint32_t last) const;
    // At most count values from the top (highest first taken), as a set.
    UidSet highest(uint64_t count) const;

    bool contains(uint32_t value) const;
    bool isEmpty() const { return m_ranges.isEmpty(); }
    // Number of values; a range ending in * counts only its first value.
    uint64_t count() const;
    uint32_t min() const { return m_ranges.isEmpty() ? 0 : m_ranges.first().first; }
    uint32_t max() const { return m_ranges.isEmpty() ? 0 : m_ranges.last().last; }
    const QList<Range> &ranges() const { return m_ranges; }
    QList<uint32_t> toList() const;  // expands; not for ranges ending in *

    // The compact wire form, "1:5,7,9:*".
    QByteArray toByteArray() const;

    bool operator==(const UidSet &) const = default;

private:
    QList<Range> m_ranges;
};

}  // namespace Heron
