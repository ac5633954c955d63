// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/corpus.h"

#include "support/dovecotfixture.h"

#include <algorithm>

namespace Heron::Bench {

bool deliverCorpus(Test::DovecotFixture &fixture, const QString &user, const QString &folder, int count, QString *error,
                   int firstIndex)
{
    constexpr int kBatch = 5000;
    const int end = firstIndex + count;
    for (int first = firstIndex; first < end; first += kBatch) {
        QList<QByteArray> messages;
        for (int index = first; index < std::min(end, first + kBatch); ++index)
            messages.append(Test::DovecotFixture::generateMessage(index, kCorpusSeed));
        const auto delivered = fixture.deliverMany(user, folder, messages);
        if (!delivered) {
            if (error)
                *error = delivered.error().message;
            return false;
        }
    }
    return true;
}

}  // namespace Heron::Bench
