"""The `pingcrm` command line: run the stack, one service, migrations, admin tasks."""
