"""E-mail notices (сповіщення): what is due on a date, rendered from templates, delivered once."""
