"""Services own the rules and the writes; views call one of them and the request commits once."""
