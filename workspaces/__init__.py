"""Workspaces, their members and roles, and the permission checks on them.

The bottom layer of Brace's Django apps: builder and datasources keep their
objects in a workspace and ask `workspaces.permissions` who may touch them;
this app imports none of them.
"""
