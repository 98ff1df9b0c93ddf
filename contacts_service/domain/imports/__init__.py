"""Importing LinkedIn's data export (Connections.csv, messages.csv): the file format, the rows, the jobs."""
