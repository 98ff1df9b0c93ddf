"""contacts_service's rules, as plain Python (docs/architecture.md §4).

`contacts.ContactsDomain` is what the servicer calls, one method per RPC.
No module here imports SQLAlchemy, SQLModel, gRPC or the generated stubs
(`./dev lint` checks it); units of work run through
`Database.transaction()` and hand their session to `contacts_service.store`.
"""
