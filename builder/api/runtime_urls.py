"""Routes: filled in by this area's views."""

urlpatterns: list = []
