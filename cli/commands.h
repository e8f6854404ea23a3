/* Every `thingchain` command: TC_CMD(name words, function, one-line help).
 * X-macro table (no include guard). Add a row next to its group and write
 * the function in its own file under cli/. Keep each group together. */
TC_CMD("selftest", cmd_selftest, "check that crypto and encoding work on this machine")
