// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Heron {

// What went wrong, in a form code can branch on (code) and people can read (message).
struct Error {
    enum class Code {
        None,
        Protocol,        // the server sent something the grammar does not allow
        LimitExceeded,   // a hard limit of QUALITY.md was reached
        Network,         // connect, read or write failed; connection lost
        Tls,             // handshake or certificate failure
        Timeout,         // a command or the connection went silent
        Authentication,  // credentials rejected
        Security,        // a rule refused to continue (STARTTLS injection, clear-text credentials, PREAUTH)
        ServerNo,        // a tagged NO
        ServerBad,       // a tagged BAD
        ServerBye,       // the server said BYE
        Cancelled,       // the caller or a teardown stopped the operation
        InvalidInput,    // bad input from a user or a file
        Unsupported,     // the server lacks a needed capability
        Io,              // local file or database failure
    };

    Code code = Code::None;
    QString message;

    bool isError() const { return code != Code::None; }
};

// A value or an Error; the return type of every parse and I/O step.
template <typename T>
class Result {
public:
    Result(const T &value) : m_data(value) {}  // NOLINT(google-explicit-constructor)
    Result(T &&value) : m_data(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : m_data(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

inline Error makeError(Error::Code code, QString message)
{
    return Error{code, std::move(message)};
}

}  // namespace Heron
