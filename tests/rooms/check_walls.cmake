# Builds each wall probe in BUILD: the probes named in OPEN (a room including its own headers) must
# compile, those in WALLS (a room including a room it does not link) must fail for want of the header.
# Then the app's layers and platform files, read from the sources in APP and CORE (check_layers.cmake).
foreach(target ${OPEN})
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD} --target ${target}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${target} should compile:\n${out}")
  endif()
endforeach()
foreach(target ${WALLS})
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD} --target ${target}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(status EQUAL 0)
    message(FATAL_ERROR "${target} compiled: a room can include a room it does not link")
  endif()
  if(NOT out MATCHES "No such file or directory")
    message(FATAL_ERROR "${target} failed, but not for want of the header:\n${out}")
  endif()
  message(STATUS "${target}: refused")
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/check_layers.cmake)
