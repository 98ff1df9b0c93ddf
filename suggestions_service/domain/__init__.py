"""suggestions_service's rules, as plain Python (docs/architecture.md §4).

`suggestions.SuggestionsDomain` is what the servicer calls, one method per RPC;
`feed.FeedConsumer` and `schedule.PeriodicGeneration` (run by pingcrm_common.periodic)
are its background loops.
`rules` decides who is due a follow-up, `drafts` and `llm` write the message.
No module here imports SQLAlchemy, SQLModel, gRPC or the generated stubs; units of
work run through `Database.transaction()` and hand their session to
`suggestions_service.store`.
"""
