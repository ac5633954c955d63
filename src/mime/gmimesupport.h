// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to src/mime: the only header that includes GMime. Never include it from a public header.

#include <gmime/gmime.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QLoggingCategory>

#include <memory>
#include <utility>

Q_DECLARE_LOGGING_CATEGORY(lcMime)

namespace Heron::Mime::Detail {

// Owns one reference to a GObject and drops it with g_object_unref (STYLE.md).
template <typename T>
class GObjectPtr {
public:
    GObjectPtr() = default;
    explicit GObjectPtr(T *adopted) : m_ptr(adopted) {}
    ~GObjectPtr() { reset(); }

    GObjectPtr(const GObjectPtr &) = delete;
    GObjectPtr &operator=(const GObjectPtr &) = delete;
    GObjectPtr(GObjectPtr &&other) noexcept : m_ptr(std::exchange(other.m_ptr, nullptr)) {}
    GObjectPtr &operator=(GObjectPtr &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_ptr = std::exchange(other.m_ptr, nullptr);
        }
        return *this;
    }

    void reset(T *adopted = nullptr)
    {
        if (m_ptr)
            g_object_unref(m_ptr);
        m_ptr = adopted;
    }

    T *get() const { return m_ptr; }
    T *operator->() const { return m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }

private:
    T *m_ptr = nullptr;
};

struct GFreeDeleter {
    void operator()(void *p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFreeDeleter>;

struct ParserOptionsDeleter {
    void operator()(GMimeParserOptions *p) const { g_mime_parser_options_free(p); }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, ParserOptionsDeleter>;

// g_mime_init() exactly once per process, from whichever thread comes first.
void ensureInitialized();

// Options for tolerant parsing of real-world mail: loose RFC 2047/2231/address rules, raw 8-bit
// text taken as UTF-8 when valid and windows-1252 otherwise. A fresh object: the caller may add a
// warning callback.
ParserOptionsPtr makeParserOptions();

// Shared read-only options for the one-shot helpers (header and address decoding).
GMimeParserOptions *sharedParserOptions();

// A NUL-terminated copy: input views may point into a larger buffer with no terminator.
inline QByteArray terminated(QByteArrayView bytes)
{
    return QByteArray(bytes.data(), bytes.size());
}

inline QByteArray fromGChar(const char *s)
{
    return s ? QByteArray(s) : QByteArray();
}

}  // namespace Heron::Mime::Detail
