"""The REST API: editor routes, datasource routes and the portal runtime."""
