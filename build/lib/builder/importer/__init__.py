"""`dap import`: a published plan of measures (text, CSV, XLSX or .docx table) to data records."""
