"""suggestions_service's SQL: `feed` (what the activity feed taught it, its cursor, leases)
and `suggestions`. Functions take the caller's session first and return
`suggestions_service.domain.records` dataclasses or plain values."""
