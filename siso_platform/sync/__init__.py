"""What the phone app's offline sync needs of the domain: the channel a record came from
(`channels`), writes made exactly once whatever the retries (`idempotency`), and the cursor
that tells which rows changed since the last sync (`cursor`)."""
