// SPDX-License-Identifier: GPL-3.0-or-later
#include "gmimesupport.h"

#include <mutex>

Q_LOGGING_CATEGORY(lcMime, "heron.mime", QtInfoMsg)

namespace Heron::Mime::Detail {

void ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

ParserOptionsPtr makeParserOptions()
{
    ensureInitialized();
    ParserOptionsPtr options(g_mime_parser_options_new());
    g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_allow_addresses_without_domain(options.get(), TRUE);
    const char *fallback[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(options.get(), fallback);
    return options;
}

GMimeParserOptions *sharedParserOptions()
{
    // Built once and never changed afterwards, so concurrent readers are safe.
    static GMimeParserOptions *const options = makeParserOptions().release();
    return options;
}

}  // namespace Heron::Mime::Detail
