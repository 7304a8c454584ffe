"""The public site: its pages as Markdown, and the HTML that MkDocs makes of them."""
