"""Pure business rules: no Django, no Saleor. Plain dataclasses in, plain dataclasses out."""
