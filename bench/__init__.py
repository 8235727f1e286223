"""`make bench`: cold start, warm latency, STS round trips, ingest throughput and package sizes."""
