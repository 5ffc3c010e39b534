"""The GraphQL API (Strawberry on Starlette, served by uvicorn)."""
