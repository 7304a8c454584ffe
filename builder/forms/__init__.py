"""Report and assessment forms: what the site's forms know about each measure (`formdata`),
and the files `dap new-report` / `dap new-assessment` write (`scaffold`) — both through the
one record writer, builder/recordtext.py, and the rules of builder/validate/."""
