"""Editor API: the widget types of the registry, for the palette and the property pane.

Served from `widgets.default_registry` as it is: a type added in `widgets/`
appears here, and so in the editor, with no change anywhere else.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from builder.api.editor_serializers import WidgetTypeOut
from restapi.base import EditorViewSet, error_responses
from widgets import default_registry


@extend_schema(tags=["widget-types"])
class WidgetTypeViewSet(EditorViewSet):
    """Every registered widget type, in registry order; any signed-in user may read them."""

    @extend_schema(
        summary="List the widget types",
        description=(
            "Each type's label, palette icon, default size and props, and its properties "
            "(with the section and control the property pane shows them in), meta "
            "properties, derived property names and events."
        ),
        responses={200: WidgetTypeOut(many=True), **error_responses()},
    )
    def list(self, request: Request) -> Response:
        described = [widget_type.to_dict() for widget_type in default_registry]
        return Response(WidgetTypeOut(described, many=True).data)
