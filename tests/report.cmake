# The living report (issue 7): the committed reports of the fast analyses (ci = true) must be
# what the code produces now. Fails, naming the stale files and the command that refreshes them,
# when a change to the code or to analyses/ was committed without `gelucheck report`.
add_test(NAME reports_fresh
  COMMAND $<TARGET_FILE:gelucheck> report --check --ci-only
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(reports_fresh PROPERTIES TIMEOUT 900)
