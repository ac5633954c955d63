// SPDX-License-Identifier: GPL-3.0-or-later
// B8 (QUALITY.md): IMAP parser throughput on an in-memory stream of realistic FETCH responses,
// fed in 64 KiB chunks as a socket would deliver them.
//
//   bench_parser [--count N] [--repeat R] [--chunk BYTES]

#include "common/benchreport.h"
#include "common/fetchstream.h"
#include "imap/parser.h"

#include <QByteArray>
#include <QList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <type_traits>
#include <variant>

using namespace Heron;

namespace {

volatile uint64_t g_checksum = 0;  // keeps the touched values observable

constexpr uint64_t kSeed = 0x4865726F6E2D4238ull;  // fixed: every run parses the same bytes

struct Options {
    int count = 100000;
    int repeat = 7;
    qsizetype chunk = 64 << 10;
};

struct Totals {
    qint64 responses = 0;
    uint64_t checksum = 0;  // every response is touched, so no parsing can be skipped
};

// Parses the whole stream; returns false (after printing why) when the parser reports an error.
bool parseStream(const QByteArray &stream, qsizetype chunk, Totals &totals)
{
    Imap::Parser parser;
    for (qsizetype position = 0; position < stream.size(); position += chunk) {
        parser.append(QByteArrayView(stream).sliced(position, std::min(chunk, stream.size() - position)));
        while (auto next = parser.takeResponse()) {
            if (!next->ok()) {
                std::fprintf(stderr, "bench_parser: parse error after %lld responses: %s\n",
                             static_cast<long long>(totals.responses), qPrintable(next->error().message));
                return false;
            }
            ++totals.responses;
            std::visit(
                [&totals](const auto &response) {
                    using T = std::decay_t<decltype(response)>;
                    if constexpr (std::is_same_v<T, Imap::FetchResponse>) {
                        totals.checksum += response.uid.value_or(0) + response.rfc822Size.value_or(0);
                        if (response.envelope)
                            totals.checksum += uint64_t(response.envelope->subject.size());
                        if (response.bodyStructure)
                            totals.checksum += response.bodyStructure->children.size();
                    } else {
                        totals.checksum += 1;
                    }
                },
                next->value());
        }
    }
    if (parser.bufferedBytes() != 0) {
        std::fprintf(stderr, "bench_parser: %lld bytes left unparsed\n", static_cast<long long>(parser.bufferedBytes()));
        return false;
    }
    return true;
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

bool parseArguments(int argc, char **argv, Options &options)
{
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (std::strcmp(argv[i], "--count") == 0 && hasValue)
            options.count = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--repeat") == 0 && hasValue)
            options.repeat = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--chunk") == 0 && hasValue)
            options.chunk = std::atoll(argv[++i]);
        else
            return false;
    }
    return options.count > 0 && options.repeat > 0 && options.chunk > 0;
}

}  // namespace

int main(int argc, char **argv)
{
    Options options;
    if (!parseArguments(argc, argv, options)) {
        std::fprintf(stderr, "usage: %s [--count N] [--repeat R] [--chunk BYTES]\n", argv[0]);
        return 2;
    }

    const QByteArray stream = Bench::FetchStreamGenerator::stream(options.count, kSeed);
    Bench::printFigure("parser.bytes", qint64(stream.size()), "B");
    Bench::printFigure("parser.responses", qint64(options.count), "responses");
    Bench::printFigure("parser.response_size", double(stream.size()) / options.count, "B");

    QList<double> seconds;
    QList<double> cpuSeconds;  // less disturbed than wall time on a busy machine
    uint64_t checksum = 0;
    for (int run = 0; run < options.repeat; ++run) {
        Totals totals;
        const double cpuStart = threadCpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        if (!parseStream(stream, options.chunk, totals))
            return 1;
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        cpuSeconds.append(threadCpuSeconds() - cpuStart);
        if (totals.responses != options.count) {
            std::fprintf(stderr, "bench_parser: %lld responses, expected %d\n", static_cast<long long>(totals.responses),
                         options.count);
            return 1;
        }
        if (run > 0 && totals.checksum != checksum) {
            std::fprintf(stderr, "bench_parser: runs disagree\n");
            return 1;
        }
        checksum = totals.checksum;
        seconds.append(elapsed.count());
    }

    const double median = Bench::median(seconds);
    Bench::printFigure("parser.time", median * 1000, "ms");
    Bench::printFigure("parser.throughput", double(stream.size()) / median / 1e6, "MB/s");
    Bench::printFigure("parser.messages", qint64(double(options.count) / median), "msg/s");
    Bench::printFigure("parser.cpu_throughput", double(stream.size()) / Bench::median(cpuSeconds) / 1e6, "MB/s");
    g_checksum = checksum;
    return 0;
}
