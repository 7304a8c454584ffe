window.DAP_ROWS = window.DAP_ROWS || {};
window.DAP_ROWS["executors"] = [[["a","executors","agency","Test Agency"],"5","0","40.0%","1","35.7%","6"]];
