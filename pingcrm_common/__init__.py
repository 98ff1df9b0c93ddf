"""Cross-cutting code every PingCRM process needs: settings, logging, the gRPC
server bootstrap, token verification, database sessions. Nothing
service-specific lives here."""
