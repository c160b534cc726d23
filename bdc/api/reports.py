"""Graphs, the progress report and exports: binary answers (PNG, SVG, PDF, CSV, XLSX).

Thin views: each resolves the client or target first (404 off caseload), validates the query
(422 on an unknown or bad parameter) and makes one service call, which writes the audit
entry ('read' for graphs, 'export' for the report and the data). File names carry the
client's pseudonymous code, never the name, and every answer is marked not to be cached
(it holds health information).
"""

from __future__ import annotations

from flask import Response, g
from flask.views import MethodView
from marshmallow import RAISE

from bdc.api.base import binary_doc, file_response, protected_blueprint
from bdc.api.report_schemas import (
    ChartQuerySchema,
    CsvQuerySchema,
    GraphQuerySchema,
    PanelQuerySchema,
    PeriodQuerySchema,
    ReportQuerySchema,
)
from bdc.auth import client_or_404, target_or_404
from bdc.extensions import db
from bdc.models import Client
from bdc.reports import CONTENT_TYPES
from bdc.services import exports, graphs, progress_report
from bdc.services.exports import safe_code

blp = protected_blueprint(
    "reports", __name__, "Graphs, the progress report (PDF) and data exports (CSV, XLSX)"
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- answers -----------------------------------------------------------------------------------


def _target_graph(query: dict, target_id: str, fmt: str) -> Response:
    target = target_or_404(g.user, target_id)
    content = graphs.target_chart(
        target,
        chart=query["chart"],
        x=query["x"],
        trend=query["trend"],
        aim=query["aim"],
        fmt=fmt,
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
        setting=query.get("setting"),
    )
    code = safe_code(db.session.get(Client, target.client_id).code)
    name = f"graph-{code}-{target.id[:8]}-{query['chart']}.{fmt}"
    return file_response(content, CONTENT_TYPES[fmt], name)


def _graph_route(
    url: str, name: str, schema: type, fmt: str, summary: str, doc: str, answer
) -> None:
    """Register the GET view ``name`` at ``url``: ``schema`` query in, ``answer(query,
    path_id, fmt)`` out as a ``fmt`` file."""
    content_type = CONTENT_TYPES[fmt]

    def get(self, query, **path):
        (path_id,) = path.values()
        return answer(query, path_id, fmt)

    get.__doc__ = doc
    decorated = blp.arguments(schema, location="query", unknown=RAISE)(
        blp.response(200, content_type=content_type)(binary_doc(blp, content_type, summary)(get))
    )
    blp.route(url)(type(name, (MethodView,), {"get": decorated}))


_graph_route(
    "/targets/<uuid:target_id>/graph.png",
    "TargetGraphPng",
    GraphQuerySchema,
    "png",
    "The target's graph as PNG (150 dpi)",
    """The target's graph (line graph, celeration chart or cumulative record) as PNG.

    Follows the conventions of docs/graphs.md: phase-change lines, a broken data path at
    every change, triangles for IOA sessions, the aim line and optional trend lines.
    """,
    _target_graph,
)
_graph_route(
    "/targets/<uuid:target_id>/graph.svg",
    "TargetGraphSvg",
    GraphQuerySchema,
    "svg",
    "The target's graph as SVG",
    "The target's graph as SVG (vector; same options as graph.png).",
    _target_graph,
)


def _chart_view(kind: str, fmt: str):
    content_type = CONTENT_TYPES[fmt]
    title = {
        "abc": "ABC chart: antecedents and consequences of the ABC records",
        "scatterplot": "Scatterplot of problem behavior by time of day and date",
        "multielement": "Multielement functional-analysis graph",
        "ioa": "Interobserver agreement per IOA session, against the criterion",
        "fidelity": "Treatment fidelity per check, by staff member, against the plan criterion",
    }[kind]

    def get(self, query, client_id):
        client = client_or_404(g.user, client_id)
        period = {"date_from": query.get("date_from"), "date_to": query.get("date_to")}
        if kind in graphs.FBA_KINDS:
            target_id = query.get("target_id")
            content = graphs.fba_chart(
                client,
                kind,
                target_id=str(target_id) if target_id else None,
                behavior=query.get("behavior"),
                tz=query["tz"],
                bin_minutes=query["bin_minutes"],
                fmt=fmt,
                **period,
            )
        else:
            content = graphs.quality_chart(
                client, kind, criterion=query["criterion"], fmt=fmt, **period
            )
        return file_response(content, content_type, f"{kind}-{safe_code(client.code)}.{fmt}")

    get.__doc__ = f"{title} ({fmt.upper()}).\n\nQuery parameters that do not apply are ignored."
    view = type(
        f"Client{kind.capitalize()}Chart{fmt.upper()}",
        (MethodView,),
        {
            "get": blp.arguments(ChartQuerySchema, location="query", unknown=RAISE)(
                blp.response(200, content_type=content_type)(
                    binary_doc(blp, content_type, f"{title} ({fmt.upper()})")(get)
                )
            )
        },
    )
    blp.route(f"/clients/<uuid:client_id>/charts/{kind}.{fmt}")(view)


for _kind in (*graphs.FBA_KINDS, *graphs.QUALITY_KINDS):
    for _fmt in ("png", "svg"):
        _chart_view(_kind, _fmt)


def _panel_graph(query: dict, client_id: str, fmt: str) -> Response:
    client = client_or_404(g.user, client_id)
    content = graphs.panel_chart(
        client,
        target_ids=[str(t) for t in query["target_id"]],
        x=query["x"],
        fmt=fmt,
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
    )
    return file_response(content, CONTENT_TYPES[fmt], f"panel-{safe_code(client.code)}.{fmt}")


_graph_route(
    "/clients/<uuid:client_id>/charts/panel.png",
    "ClientPanelChartPng",
    PanelQuerySchema,
    "png",
    "The multiple-baseline (panel) graph as PNG",
    """The multiple-baseline graph across targets: one panel per target on a shared x axis,
    phase changes joined by dog-legs (docs/graphs.md).""",
    _panel_graph,
)
_graph_route(
    "/clients/<uuid:client_id>/charts/panel.svg",
    "ClientPanelChartSvg",
    PanelQuerySchema,
    "svg",
    "The multiple-baseline (panel) graph as SVG",
    "The multiple-baseline graph across targets as SVG (same options as panel.png).",
    _panel_graph,
)


@blp.route("/clients/<uuid:client_id>/report.pdf")
class ClientReport(MethodView):
    @blp.arguments(ReportQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type=CONTENT_TYPES["pdf"])
    @binary_doc(blp, CONTENT_TYPES["pdf"], "The progress report (PDF)")
    def get(self, query, client_id):
        """The progress report for an IEP meeting over ``from``..``to`` (default: the 90 days
        up to today): per target its definition, measurement, baseline and current level,
        trend, the chosen effect sizes against baseline (``effect_sizes``), mastery status and
        graph; then IOA and fidelity;
        signature lines. ``pseudonymous=true`` prints only the client's code."""
        client = client_or_404(g.user, client_id)
        date_from, date_to = progress_report.default_period(
            query.get("date_from"), query.get("date_to"), client
        )
        pdf, _ = progress_report.report_pdf(
            client,
            date_from,
            date_to,
            user=g.user,
            pseudonymous=query["pseudonymous"],
            x=query["x"],
            trend=query["trend"],
            paper=query["paper"],
            panel=query["panel"],
            effect_size_names=query["effect_size_names"],
        )
        name = progress_report.report_filename(client, date_from, date_to)
        return file_response(pdf, CONTENT_TYPES["pdf"], name)


@blp.route("/clients/<uuid:client_id>/export.csv")
class ClientExportCsv(MethodView):
    @blp.arguments(CsvQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type="text/csv")
    @binary_doc(blp, "text/csv", "One table as CSV (UTF-8 with BOM, CRLF line ends)")
    def get(self, query, client_id):
        """The client's session values (``table=sessions``, the default) or raw events
        (``table=events``) as CSV; spreadsheet formulas are neutralised."""
        client = client_or_404(g.user, client_id)
        result = exports.client_export(
            client,
            "csv",
            table=query["table"],
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )
        return file_response(result.content, result.content_type, result.filename)


@blp.route("/clients/<uuid:client_id>/export.xlsx")
class ClientExportXlsx(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type=XLSX)
    @binary_doc(blp, XLSX, "A workbook with the sheets Sessions and Events")
    def get(self, query, client_id):
        """The client's session values (sheet ``Sessions``) and raw events (sheet ``Events``)
        as an XLSX workbook."""
        client = client_or_404(g.user, client_id)
        result = exports.client_export(
            client, "xlsx", date_from=query.get("date_from"), date_to=query.get("date_to")
        )
        return file_response(result.content, result.content_type, result.filename)
