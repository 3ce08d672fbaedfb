"""The outbox worker: claims messages, sends them through adapters, retries, dead-letters."""
