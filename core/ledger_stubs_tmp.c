#include "ledger_internal.h"
int tc__discovery_apply(tc__rx *rx) { return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "todo"); }
int tc__comm_apply(tc__rx *rx) { return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "todo"); }
int tc__anchor_apply(tc__rx *rx) { return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "todo"); }
int tc__config_apply(tc__rx *rx) { return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "todo"); }
int tc__firmware_apply(tc__rx *rx) { return tc_err_set(rx->err, TC_ERR_LEDGER_UNKNOWN_TYPE, "todo"); }
