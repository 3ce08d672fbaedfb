"""What every adapter shares: the HTTP policy, webhook signatures and the outbound port."""
