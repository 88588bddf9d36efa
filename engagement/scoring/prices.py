"""Tokens → dollars, from `settings.ASTN_LLM_PRICES` (USD per million tokens).

Cache writes cost 1.25× the input price and cache reads 0.1×; the Message Batches
API charges half of everything (Anthropic's published multipliers).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings

logger = logging.getLogger(__name__)

CACHE_WRITE = Decimal("1.25")
CACHE_READ = Decimal("0.1")
BATCH_DISCOUNT = Decimal("0.5")
MILLION = Decimal(1_000_000)


def price_of(model: str) -> tuple[Decimal, Decimal]:
    """(input, output) USD per million tokens; (0, 0) and a warning for an unknown model."""
    prices = settings.ASTN_LLM_PRICES.get(model)
    if prices is None:
        logger.warning("engagement: no price for model %s in ASTN_LLM_PRICES", model)
        return Decimal(0), Decimal(0)
    return Decimal(str(prices["input"])), Decimal(str(prices["output"]))


def cost_usd(
    *,
    model: str,
    input_tokens: int,
    output_tokens: int,
    cache_creation_tokens: int = 0,
    cache_read_tokens: int = 0,
    batch: bool = False,
) -> Decimal:
    price_in, price_out = price_of(model)
    total = (
        input_tokens * price_in
        + cache_creation_tokens * price_in * CACHE_WRITE
        + cache_read_tokens * price_in * CACHE_READ
        + output_tokens * price_out
    ) / MILLION
    if batch:
        total *= BATCH_DISCOUNT
    return total.quantize(Decimal("0.000001"))
