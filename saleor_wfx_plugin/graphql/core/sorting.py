"""`sortBy` arguments of the staff lists, shaped like Saleor's (`{field, direction}`)."""

from __future__ import annotations

from typing import Any

import graphene


class OrderDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


def sorting_input(name: str, fields: list[tuple[str, str]], description: str, **extra: Any) -> Any:
    """An input `<name>` with `field: <name minus Input>Field!` and `direction` (default DESC),
    plus any `extra` input fields."""
    field_enum = graphene.Enum(name.replace("SortingInput", "SortField"), fields)
    return type(
        name,
        (graphene.InputObjectType,),
        {
            "Meta": type("Meta", (), {"description": description}),
            "field": field_enum(required=True),
            "direction": OrderDirection(description="Default: DESC."),
            **extra,
        },
    )


def sort_order(sort_by: Any, columns: dict[str, tuple[str, ...]], default: tuple[str, ...]) -> Any:
    """The `order_by` arguments for a `sortBy` value: the field's columns in its direction."""
    if not sort_by:
        return default
    descending = (
        sort_by.get("direction") or OrderDirection.DESC.value
    ) == OrderDirection.DESC.value
    sign = "-" if descending else ""
    return tuple(sign + column for column in columns[sort_by["field"]])


class DateRangeInput(graphene.InputObjectType):
    class Meta:
        description = "Whole days in the shop's time zone, both ends included."

    gte = graphene.Date(description="From this day (inclusive).")
    lte = graphene.Date(description="Until this day (inclusive).")


DistributorSortingInput = sorting_input(
    "DistributorSortingInput",
    [
        ("JOINED_AT", "joined_at"),
        ("MONTH_SALES", "month_sales"),
        ("AVAILABLE_BALANCE", "available_balance"),
        ("CODE", "code"),
    ],
    "MONTH_SALES (own sales this month) and AVAILABLE_BALANCE sort by one currency's amounts: "
    "`currency`, default Saleor's DEFAULT_CURRENCY.",
    currency=graphene.String(description="For MONTH_SALES and AVAILABLE_BALANCE."),
)
CommissionSortingInput = sorting_input(
    "CommissionSortingInput",
    [("CREATED_AT", "created_at"), ("AMOUNT", "amount")],
    "CREATED_AT: when the order was placed; AMOUNT: the net commission.",
)
PayoutSortingInput = sorting_input(
    "PayoutSortingInput",
    [("REQUESTED_AT", "requested_at"), ("AMOUNT", "amount")],
    "REQUESTED_AT: when the distributor asked; AMOUNT: the amount asked for.",
)
ApplicationSortingInput = sorting_input(
    "ApplicationSortingInput", [("CREATED_AT", "created_at")], "When the customer applied."
)
