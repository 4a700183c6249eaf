"""Prize money: the ledger, payouts to winners and the payment providers behind them."""
