# SPDX-License-Identifier: GPL-3.0-or-later
# Builds heron's .deb, extracts it with dpkg-deb -x and checks that the packaged binary runs without a display:
# `usr/bin/heron --version` must print EXPECTED. Also checks that the desktop integration files are in the package.
foreach(var CPACK_COMMAND DPKG_DEB BUILD_DIR SCRATCH_DIR EXPECTED)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_deb.cmake: ${var} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE "${SCRATCH_DIR}")
file(MAKE_DIRECTORY "${SCRATCH_DIR}/out" "${SCRATCH_DIR}/root")

execute_process(
    COMMAND "${CPACK_COMMAND}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake" -B "${SCRATCH_DIR}/out"
    WORKING_DIRECTORY "${BUILD_DIR}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cpack -G DEB failed (${result}):\n${output}")
endif()

file(GLOB debs "${SCRATCH_DIR}/out/*.deb")
list(LENGTH debs count)
if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one .deb in ${SCRATCH_DIR}/out, found ${count}: ${debs}\n${output}")
endif()
message(STATUS "package: ${debs}")

execute_process(COMMAND "${DPKG_DEB}" --field "${debs}" Package Version Depends
    RESULT_VARIABLE result OUTPUT_VARIABLE fields ERROR_VARIABLE fields)
message(STATUS "control fields:\n${fields}")
if(NOT result EQUAL 0 OR NOT fields MATCHES "Depends: .*libqt6widgets6")
    message(FATAL_ERROR "the package does not declare its Qt dependencies (shlibdeps):\n${fields}")
endif()

execute_process(COMMAND "${DPKG_DEB}" -x "${debs}" "${SCRATCH_DIR}/root" RESULT_VARIABLE result ERROR_VARIABLE error)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -x failed (${result}): ${error}")
endif()

foreach(file
        usr/bin/heron
        usr/share/applications/org.heron.Heron.desktop
        usr/share/icons/hicolor/scalable/apps/org.heron.Heron.svg
        usr/share/metainfo/org.heron.Heron.metainfo.xml)
    if(NOT EXISTS "${SCRATCH_DIR}/root/${file}")
        message(FATAL_ERROR "the package lacks /${file}")
    endif()
endforeach()

# No display: --version must not need one.
execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM
            "${SCRATCH_DIR}/root/usr/bin/heron" --version
    RESULT_VARIABLE result OUTPUT_VARIABLE version ERROR_VARIABLE error OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT result EQUAL 0 OR NOT version STREQUAL EXPECTED)
    message(FATAL_ERROR "packaged heron --version: exit ${result}, printed \"${version}\", expected \"${EXPECTED}\"\n${error}")
endif()
message(STATUS "packaged heron --version: ${version}")
