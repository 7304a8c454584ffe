window.DAP_ROWS = window.DAP_ROWS || {};
window.DAP_ROWS["executors"] = [[["a","executors","agency","Тестове агентство"],"5","0","40,0%","1","35,7%","6"]];
