// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/benchreport.h"

#include <algorithm>
#include <cstdio>

namespace Heron::Bench {

void printFigure(const char *name, double value, const char *unit)
{
    // Three decimals for small figures (seconds), one for the rest (MB/s).
    std::printf(value < 10 && value > -10 ? "%s %.3f %s\n" : "%s %.1f %s\n", name, value, unit);
    std::fflush(stdout);
}

void printFigure(const char *name, qint64 value, const char *unit)
{
    std::printf("%s %lld %s\n", name, static_cast<long long>(value), unit);
    std::fflush(stdout);
}

bool printTarget(const QByteArray &name, double value, double limit, const char *unit)
{
    const bool holds = value <= limit;
    std::printf("target %s <= %g %s %s\n", name.constData(), limit, unit, holds ? "PASS" : "MISS");
    std::fflush(stdout);
    return holds;
}

double median(QList<double> samples)
{
    if (samples.isEmpty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const qsizetype middle = samples.size() / 2;
    if (samples.size() % 2 == 1)
        return samples[middle];
    return (samples[middle - 1] + samples[middle]) / 2;
}

}  // namespace Heron::Bench
