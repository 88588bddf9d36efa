"""How a level is computed: signals in SQL, a rules score, the LLM and its validation.

- `signals`: one org's signals, set-based, in a few SQL statements
- `rules`: the 0–100 score, the level, a factual rationale and a suggested action
- `llm`: the Anthropic request (forced tool, batching, caching) and answer validation
- `prices`: tokens → dollars for the `LlmUsage` ledger
"""
