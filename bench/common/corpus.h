// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Heron::Test {
class DovecotFixture;
}  // namespace Heron::Test

namespace Heron::Bench {

// The seed of the generated corpus every fixture benchmark delivers, so that their figures are
// about the same messages (DovecotFixture::generateMessage).
inline constexpr quint32 kCorpusSeed = 20240717;

// Delivers the generated messages firstIndex .. firstIndex + count - 1 into the user's folder
// (created when missing) through the fixture's bulk path, 5,000 at a time so that memory stays
// small. False with error set on failure.
bool deliverCorpus(Test::DovecotFixture &fixture, const QString &user, const QString &folder, int count, QString *error,
                   int firstIndex = 0);

}  // namespace Heron::Bench
