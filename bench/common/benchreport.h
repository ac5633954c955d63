// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

// How every benchmark prints its figures: one line per figure, "name value unit", so scripts
// and people read the same output (QUALITY.md, "Benchmarks").
namespace Heron::Bench {

void printFigure(const char *name, double value, const char *unit);
void printFigure(const char *name, qint64 value, const char *unit);

// Prints "target NAME <= LIMIT UNIT PASS|MISS" and returns whether the value holds.
bool printTarget(const QByteArray &name, double value, double limit, const char *unit);

// The median of the samples (mean of the middle two for an even count); 0 for none.
double median(QList<double> samples);

}  // namespace Heron::Bench
