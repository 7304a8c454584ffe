"""Open data: every public record and figure as a validated Frictionless data package."""
