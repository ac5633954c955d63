# SPDX-License-Identifier: GPL-3.0-or-later
# Installers with CPack: DEB (and RPM when rpmbuild exists) on Linux, NSIS on Windows, a DMG on macOS.
# `cpack -G DEB` in a build directory makes heron_<version>_<arch>.deb; the package test tier checks it.

set(CPACK_PACKAGE_NAME "heron")
set(CPACK_PACKAGE_VENDOR "The Heron developers")
set(CPACK_PACKAGE_CONTACT "The Heron developers <heron@heron-mail.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "Heron is a desktop mail client for IMAP accounts, built on Qt 6 around an IMAP engine\n"
    "that uses the protocol's modern extensions (CONDSTORE, QRESYNC, COMPRESS).")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Heron")
set(CPACK_PACKAGE_EXECUTABLES "heron" "Heron")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/" "/\\.cache/")
# Installers show the license; without one CPack would show its own.
foreach(_heron_license IN ITEMS COPYING LICENSE LICENSE.txt)
    if(EXISTS "${PROJECT_SOURCE_DIR}/${_heron_license}")
        set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/${_heron_license}")
        break()
    endif()
endforeach()

if(WIN32)
    set(CPACK_GENERATOR "NSIS;ZIP")
    set(CPACK_NSIS_DISPLAY_NAME "Heron")
    set(CPACK_NSIS_PACKAGE_NAME "Heron")
    set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\heron.exe")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
    set(CPACK_DMG_VOLUME_NAME "Heron")
else()
    set(CPACK_GENERATOR "DEB")
    find_program(HERON_RPMBUILD rpmbuild)
    if(HERON_RPMBUILD)
        list(APPEND CPACK_GENERATOR "RPM")
    endif()
    set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
endif()

# Debian: library dependencies come from dpkg-shlibdeps; plugins Qt loads at run time (SQLite driver,
# SVG icons, the platform plugins) are not linked and must be named.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "mail")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")

# RPM (Fedora names); library dependencies are found by rpmbuild itself.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "GPL-3.0-or-later")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_REQUIRES "qt6-qtbase-gui, qt6-qtsvg")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)

include(CPack)
