// SPDX-License-Identifier: GPL-3.0-or-later
// UidSet: RFC 3501 §9 sequence-set parsing, compaction and the wire form.
#include "core/uidset.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Heron;

using Ranges = QList<UidSet::Range>;
using Values = QList<uint32_t>;
Q_DECLARE_METATYPE(Ranges)

namespace QTest {
template <>
char *toString(const UidSet &set)
{
    return qstrdup(set.toByteArray().constData());
}
}  // namespace QTest

static constexpr uint32_t kStar = UidSet::kStar;

class TestUidSet : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void parseInvalid_data();
    void parseInvalid();
    void addRange_data();
    void addRange();
    void contains_data();
    void contains();
    void remove_data();
    void remove();
    void unite_data();
    void unite();
    void toList_data();
    void toList();
    void minMax();
    void algebra_data();
    void algebra();
    void algebraMatchesBruteForce();
    void highest_data();
    void highest();
    void fromValuesIgnoresZero();
};

void TestUidSet::parse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Ranges>("ranges");
    QTest::addColumn<QByteArray>("compact");
    QTest::addColumn<quint64>("count");

    QTest::newRow("single") << QByteArray("7") << Ranges{{7, 7}} << QByteArray("7") << quint64(1);
    QTest::newRow("range") << QByteArray("1:5") << Ranges{{1, 5}} << QByteArray("1:5") << quint64(5);
    QTest::newRow("rfc example 1:5,7,9:*")
            << QByteArray("1:5,7,9:*") << Ranges{{1, 5}, {7, 7}, {9, kStar}} << QByteArray("1:5,7,9:*") << quint64(7);
    QTest::newRow("star alone") << QByteArray("*") << Ranges{{kStar, kStar}} << QByteArray("*") << quint64(1);
    QTest::newRow("star to star") << QByteArray("*:*") << Ranges{{kStar, kStar}} << QByteArray("*") << quint64(1);
    QTest::newRow("1:*") << QByteArray("1:*") << Ranges{{1, kStar}} << QByteArray("1:*") << quint64(1);
    QTest::newRow("backwards range") << QByteArray("5:1") << Ranges{{1, 5}} << QByteArray("1:5") << quint64(5);
    QTest::newRow("backwards star range") << QByteArray("*:9") << Ranges{{9, kStar}} << QByteArray("9:*") << quint64(1);
    QTest::newRow("unsorted values") << QByteArray("9,3,5") << Ranges{{3, 3}, {5, 5}, {9, 9}} << QByteArray("3,5,9")
                                     << quint64(3);
    QTest::newRow("adjacent values merge") << QByteArray("1,2,3") << Ranges{{1, 3}} << QByteArray("1:3") << quint64(3);
    QTest::newRow("adjacent ranges merge")
            << QByteArray("1:3,4:6") << Ranges{{1, 6}} << QByteArray("1:6") << quint64(6);
    QTest::newRow("adjacent out of order merge")
            << QByteArray("4:6,1:3") << Ranges{{1, 6}} << QByteArray("1:6") << quint64(6);
    QTest::newRow("overlapping ranges merge")
            << QByteArray("1:5,3:8") << Ranges{{1, 8}} << QByteArray("1:8") << quint64(8);
    QTest::newRow("contained range") << QByteArray("1:10,3:4") << Ranges{{1, 10}} << QByteArray("1:10") << quint64(10);
    QTest::newRow("bridging range") << QByteArray("1:2,8:9,3:7") << Ranges{{1, 9}} << QByteArray("1:9") << quint64(9);
    QTest::newRow("duplicates") << QByteArray("4,4,4") << Ranges{{4, 4}} << QByteArray("4") << quint64(1);
    QTest::newRow("duplicate ranges") << QByteArray("2:4,2:4") << Ranges{{2, 4}} << QByteArray("2:4") << quint64(3);
    QTest::newRow("value then star range swallowing it")
            << QByteArray("20,10:*") << Ranges{{10, kStar}} << QByteArray("10:*") << quint64(1);
    QTest::newRow("value before star") << QByteArray("3,*") << Ranges{{3, 3}, {kStar, kStar}} << QByteArray("3,*")
                                       << quint64(2);
    QTest::newRow("value after star range not merged")
            << QByteArray("9:*,5") << Ranges{{5, 5}, {9, kStar}} << QByteArray("5,9:*") << quint64(2);
    QTest::newRow("largest non-star value")
            << QByteArray("4294967294") << Ranges{{4294967294u, 4294967294u}} << QByteArray("4294967294") << quint64(1);
    QTest::newRow("wide range count") << QByteArray("1:4294967294") << Ranges{{1, 4294967294u}}
                                      << QByteArray("1:4294967294") << quint64(4294967294u);
}

void TestUidSet::parse()
{
    QFETCH(QByteArray, text);
    QFETCH(Ranges, ranges);
    QFETCH(QByteArray, compact);
    QFETCH(quint64, count);

    const auto set = UidSet::parse(text);
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
    QCOMPARE(set->ranges(), ranges);
    QCOMPARE(set->toByteArray(), compact);
    QCOMPARE(quint64(set->count()), count);
    QVERIFY(!set->isEmpty());
    // The compact form parses back to the same set.
    const auto again = UidSet::parse(set->toByteArray());
    QVERIFY(again.ok());
    QCOMPARE(*again, *set);
}

void TestUidSet::parseInvalid_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("trailing comma") << QByteArray("1:5,");
    QTest::newRow("leading comma") << QByteArray(",1");
    QTest::newRow("double comma") << QByteArray("1,,2");
    QTest::newRow("comma alone") << QByteArray(",");
    QTest::newRow("zero") << QByteArray("0");
    QTest::newRow("zero in range") << QByteArray("0:5");
    QTest::newRow("zero as range end") << QByteArray("5:0");
    QTest::newRow("double zero") << QByteArray("00");
    QTest::newRow("overflow 4294967296") << QByteArray("4294967296");
    QTest::newRow("overflow in range end") << QByteArray("1:4294967296");
    QTest::newRow("overflow huge") << QByteArray("99999999999999999999999");
    QTest::newRow("negative") << QByteArray("-1");
    QTest::newRow("non-digit") << QByteArray("1a");
    QTest::newRow("letters") << QByteArray("abc");
    QTest::newRow("space") << QByteArray("1, 2");
    QTest::newRow("trailing space") << QByteArray("1 ");
    QTest::newRow("open range") << QByteArray("1:");
    QTest::newRow("range without start") << QByteArray(":5");
    QTest::newRow("three-part range") << QByteArray("1:2:3");
    QTest::newRow("star with digits") << QByteArray("*5");
    QTest::newRow("plus sign") << QByteArray("+5");
    QTest::newRow("NUL byte") << QByteArray("1\0"
                                            "2",
                                            3);
}

void TestUidSet::parseInvalid()
{
    QFETCH(QByteArray, text);
    const auto set = UidSet::parse(text);
    QVERIFY2(!set.ok(), qPrintable(set.ok() ? QString::fromLatin1(set->toByteArray()) : QString()));
    QCOMPARE(set.error().code, Error::Code::Protocol);
}

void TestUidSet::addRange_data()
{
    QTest::addColumn<Ranges>("added");  // each added in turn with addRange(first, last)
    QTest::addColumn<QByteArray>("compact");

    QTest::newRow("ascending appends") << Ranges{{1, 1}, {3, 3}, {5, 6}} << QByteArray("1,3,5:6");
    QTest::newRow("ascending adjacent merges") << Ranges{{1, 1}, {2, 2}, {3, 5}} << QByteArray("1:5");
    QTest::newRow("descending merges") << Ranges{{5, 5}, {4, 4}, {3, 3}} << QByteArray("3:5");
    QTest::newRow("insert in a gap") << Ranges{{1, 2}, {10, 12}, {5, 6}} << QByteArray("1:2,5:6,10:12");
    QTest::newRow("fill a gap exactly") << Ranges{{1, 2}, {6, 7}, {3, 5}} << QByteArray("1:7");
    QTest::newRow("swallow several ranges") << Ranges{{2, 2}, {4, 4}, {6, 6}, {1, 9}} << QByteArray("1:9");
    QTest::newRow("backwards arguments") << Ranges{{9, 3}} << QByteArray("3:9");
    QTest::newRow("star swallows the tail") << Ranges{{1, 1}, {5, 5}, {9, 9}, {4, kStar}} << QByteArray("1,4:*");
    QTest::newRow("value below star range") << Ranges{{10, kStar}, {3, 3}} << QByteArray("3,10:*");
    QTest::newRow("value adjacent to star range") << Ranges{{10, kStar}, {9, 9}} << QByteArray("9:*");
    QTest::newRow("value inside star range") << Ranges{{10, kStar}, {50, 50}} << QByteArray("10:*");
    QTest::newRow("zero clamps to one") << Ranges{{0, 3}} << QByteArray("1:3");
    // Regression: addRange(0, 0) used to store the inverted range 1:0.
    QTest::newRow("zero alone is ignored") << Ranges{{0, 0}} << QByteArray("");
    QTest::newRow("zero among values is ignored") << Ranges{{4, 4}, {0, 0}, {5, 5}} << QByteArray("4:5");
    QTest::newRow("near top of range") << Ranges{{4294967293u, 4294967293u}, {4294967294u, 4294967294u}}
                                       << QByteArray("4294967293:4294967294");
}

void TestUidSet::addRange()
{
    QFETCH(Ranges, added);
    QFETCH(QByteArray, compact);
    UidSet set;
    for (const auto &r : added)
        set.addRange(r.first, r.last);
    QCOMPARE(set.toByteArray(), compact);
    QCOMPARE(set.isEmpty(), compact.isEmpty());
    // Invariant: sorted, disjoint, non-adjacent, first <= last.
    const auto &ranges = set.ranges();
    for (qsizetype i = 0; i < ranges.size(); ++i) {
        QVERIFY(ranges[i].first >= 1);
        QVERIFY(ranges[i].first <= ranges[i].last);
        if (i > 0)
            QVERIFY(quint64(ranges[i - 1].last) + 1 < ranges[i].first);
    }
}

void TestUidSet::contains_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Values>("inside");
    QTest::addColumn<Values>("outside");

    QTest::newRow("single") << QByteArray("7") << Values{7} << Values{0, 1, 6, 8, kStar};
    QTest::newRow("ranges") << QByteArray("1:5,7,9:12") << Values{1, 3, 5, 7, 9, 12} << Values{0, 6, 8, 13, 100};
    QTest::newRow("star range") << QByteArray("9:*") << Values{9, 10, 1000000, kStar} << Values{1, 8};
    QTest::newRow("star alone") << QByteArray("*") << Values{kStar} << Values{1, 4294967294u};
}

void TestUidSet::contains()
{
    QFETCH(QByteArray, text);
    QFETCH(Values, inside);
    QFETCH(Values, outside);
    const auto set = UidSet::parse(text);
    QVERIFY(set.ok());
    for (uint32_t v : inside)
        QVERIFY2(set->contains(v), qPrintable(QString::number(v)));
    for (uint32_t v : outside)
        QVERIFY2(!set->contains(v), qPrintable(QString::number(v)));
}

void TestUidSet::remove_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Values>("removed");
    QTest::addColumn<QByteArray>("compact");
    QTest::addColumn<quint64>("count");

    QTest::newRow("only value") << QByteArray("5") << Values{5} << QByteArray("") << quint64(0);
    QTest::newRow("range start") << QByteArray("1:5") << Values{1} << QByteArray("2:5") << quint64(4);
    QTest::newRow("range end") << QByteArray("1:5") << Values{5} << QByteArray("1:4") << quint64(4);
    QTest::newRow("range middle splits") << QByteArray("1:5") << Values{3} << QByteArray("1:2,4:5") << quint64(4);
    QTest::newRow("absent value") << QByteArray("1:5,9") << Values{7} << QByteArray("1:5,9") << quint64(6);
    QTest::newRow("below all") << QByteArray("3:5") << Values{1} << QByteArray("3:5") << quint64(3);
    QTest::newRow("above all") << QByteArray("3:5") << Values{10} << QByteArray("3:5") << quint64(3);
    QTest::newRow("second range") << QByteArray("1:2,5:7") << Values{6} << QByteArray("1:2,5,7") << quint64(4);
    QTest::newRow("everything one by one") << QByteArray("1:3") << Values{2, 1, 3} << QByteArray("") << quint64(0);
    QTest::newRow("two-value range") << QByteArray("4:5") << Values{4} << QByteArray("5") << quint64(1);
    QTest::newRow("twice") << QByteArray("1:5") << Values{3, 3} << QByteArray("1:2,4:5") << quint64(4);
}

void TestUidSet::remove()
{
    QFETCH(QByteArray, text);
    QFETCH(Values, removed);
    QFETCH(QByteArray, compact);
    QFETCH(quint64, count);
    auto set = UidSet::parse(text);
    QVERIFY(set.ok());
    for (uint32_t v : removed) {
        set.value().remove(v);
        QVERIFY(!set->contains(v));
    }
    QCOMPARE(set->toByteArray(), compact);
    QCOMPARE(quint64(set->count()), count);
    QCOMPARE(set->isEmpty(), count == 0);
}

void TestUidSet::unite_data()
{
    QTest::addColumn<QByteArray>("left");
    QTest::addColumn<QByteArray>("right");
    QTest::addColumn<QByteArray>("compact");

    QTest::newRow("disjoint") << QByteArray("1:3") << QByteArray("7:9") << QByteArray("1:3,7:9");
    QTest::newRow("interleaved") << QByteArray("1,5,9") << QByteArray("3,7") << QByteArray("1,3,5,7,9");
    QTest::newRow("adjacent") << QByteArray("1:3,7:9") << QByteArray("4:6") << QByteArray("1:9");
    QTest::newRow("with star") << QByteArray("1:3") << QByteArray("10:*") << QByteArray("1:3,10:*");
    QTest::newRow("same") << QByteArray("2:8") << QByteArray("2:8") << QByteArray("2:8");
}

void TestUidSet::unite()
{
    QFETCH(QByteArray, left);
    QFETCH(QByteArray, right);
    QFETCH(QByteArray, compact);
    auto a = UidSet::parse(left);
    const auto b = UidSet::parse(right);
    QVERIFY(a.ok() && b.ok());
    a.value().unite(*b);
    QCOMPARE(a->toByteArray(), compact);
    // Union is symmetric.
    auto c = UidSet::parse(right);
    c.value().unite(*UidSet::parse(left));
    QCOMPARE(*c, *a);
}

void TestUidSet::toList_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Values>("values");

    QTest::newRow("ranges") << QByteArray("1:3,7,9:10") << Values{1, 2, 3, 7, 9, 10};
    QTest::newRow("star range gives its first value") << QByteArray("2,5:*") << Values{2, 5};
}

void TestUidSet::toList()
{
    QFETCH(QByteArray, text);
    QFETCH(Values, values);
    const auto set = UidSet::parse(text);
    QVERIFY(set.ok());
    QCOMPARE(set->toList(), values);
    if (set->max() != kStar)
        QCOMPARE(UidSet::fromValues(values), *set);
}

void TestUidSet::minMax()
{
    QCOMPARE(UidSet().min(), 0u);
    QCOMPARE(UidSet().max(), 0u);
    QCOMPARE(UidSet().count(), 0u);
    QVERIFY(UidSet().toByteArray().isEmpty());
    const auto set = UidSet::parse("4:6,20");
    QCOMPARE(set->min(), 4u);
    QCOMPARE(set->max(), 20u);
    QCOMPARE(UidSet::parse("4:*")->max(), kStar);
    QCOMPARE(UidSet::fromRange(9, 2).toByteArray(), QByteArray("2:9"));
}

void TestUidSet::fromValuesIgnoresZero()
{
    // Regression: a stray 0 (a "* 0 EXPUNGE" or a bad SEARCH result) must not corrupt the set.
    const auto set = UidSet::fromValues(QList<int>{0, 3, 2, 0});
    QCOMPARE(set.toByteArray(), QByteArray("2:3"));
    QCOMPARE(set.count(), 2u);
}

// subtracted / intersected / restrictedTo, against hand-computed answers.
void TestUidSet::algebra_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<QByteArray>("difference");
    QTest::addColumn<QByteArray>("intersection");
    QTest::newRow("disjoint") << QByteArray("1:3") << QByteArray("5:7") << QByteArray("1:3") << QByteArray();
    QTest::newRow("equal") << QByteArray("1:10") << QByteArray("1:10") << QByteArray() << QByteArray("1:10");
    QTest::newRow("hole in the middle") << QByteArray("1:10") << QByteArray("4:6") << QByteArray("1:3,7:10")
                                        << QByteArray("4:6");
    QTest::newRow("cut both ends") << QByteArray("3:8") << QByteArray("1:4,7:20") << QByteArray("5:6")
                                   << QByteArray("3:4,7:8");
    QTest::newRow("many small cuts") << QByteArray("1:20") << QByteArray("2,4,6,8:18") << QByteArray("1,3,5,7,19:20")
                                     << QByteArray("2,4,6,8:18");
    QTest::newRow("b spans several of a") << QByteArray("1:2,5:6,9:10") << QByteArray("2:9")
                                          << QByteArray("1,10") << QByteArray("2,5:6,9");
    QTest::newRow("empty a") << QByteArray() << QByteArray("1:5") << QByteArray() << QByteArray();
    QTest::newRow("empty b") << QByteArray("1:5") << QByteArray() << QByteArray("1:5") << QByteArray();
    QTest::newRow("top of the range") << QByteArray("4294967290:4294967294") << QByteArray("4294967294")
                                      << QByteArray("4294967290:4294967293") << QByteArray("4294967294");
}

void TestUidSet::algebra()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(QByteArray, difference);
    QFETCH(QByteArray, intersection);
    const UidSet left = a.isEmpty() ? UidSet() : *UidSet::parse(a);
    const UidSet right = b.isEmpty() ? UidSet() : *UidSet::parse(b);
    QCOMPARE(left.subtracted(right).toByteArray(), difference);
    QCOMPARE(left.intersected(right).toByteArray(), intersection);
    QCOMPARE(right.intersected(left).toByteArray(), intersection);
}

// Random sets compared with the same operations on plain value sets.
void TestUidSet::algebraMatchesBruteForce()
{
    QRandomGenerator random(20261121);
    for (int round = 0; round < 300; ++round) {
        QSet<quint32> a;
        QSet<quint32> b;
        for (int i = 0; i < 40; ++i) {
            a.insert(1 + random.bounded(100));
            b.insert(1 + random.bounded(100));
        }
        const UidSet left = UidSet::fromValues(a);
        const UidSet right = UidSet::fromValues(b);
        QSet<quint32> expectedDifference = a;
        expectedDifference.subtract(b);
        QSet<quint32> expectedIntersection = a;
        expectedIntersection.intersect(b);
        const QList<uint32_t> difference = left.subtracted(right).toList();
        const QList<uint32_t> intersection = left.intersected(right).toList();
        QCOMPARE(QSet<quint32>(difference.cbegin(), difference.cend()), expectedDifference);
        QCOMPARE(QSet<quint32>(intersection.cbegin(), intersection.cend()), expectedIntersection);
        const quint32 first = 1 + random.bounded(100);
        const quint32 last = first + random.bounded(50);
        QSet<quint32> expectedRange;
        for (quint32 v : a) {
            if (v >= first && v <= last)
                expectedRange.insert(v);
        }
        const QList<uint32_t> restricted = left.restrictedTo(first, last).toList();
        QCOMPARE(QSet<quint32>(restricted.cbegin(), restricted.cend()), expectedRange);
    }
}

void TestUidSet::highest_data()
{
    QTest::addColumn<QByteArray>("set");
    QTest::addColumn<quint64>("count");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("none") << QByteArray("1:10") << quint64(0) << QByteArray();
    QTest::newRow("within the last range") << QByteArray("1:10") << quint64(3) << QByteArray("8:10");
    QTest::newRow("exactly the last range") << QByteArray("1:3,7:9") << quint64(3) << QByteArray("7:9");
    QTest::newRow("across ranges") << QByteArray("1:3,7:9") << quint64(4) << QByteArray("3,7:9");
    QTest::newRow("more than there is") << QByteArray("2,4") << quint64(10) << QByteArray("2,4");
    QTest::newRow("empty") << QByteArray() << quint64(5) << QByteArray();
}

void TestUidSet::highest()
{
    QFETCH(QByteArray, set);
    QFETCH(quint64, count);
    QFETCH(QByteArray, expected);
    const UidSet uids = set.isEmpty() ? UidSet() : *UidSet::parse(set);
    QCOMPARE(uids.highest(count).toByteArray(), expected);
}

QTEST_GUILESS_MAIN(TestUidSet)
#include "tst_uidset.moc"
