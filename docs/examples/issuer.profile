# Issuer profile of the example body (docs/ISSUING.md). key = value lines.
body           = shanghai-electric
# The national skill number: Y (employer), organisation code, province
# (31 Shanghai), site serial assigned by the provincial bureau.
org_type       = Y
org_code       = 0001
province       = 31
site           = 000123
# Professional titles: the evaluation committee and its numbering.
committee_code = SEGC
committee_name = 上海电气工程技术职称评审委员会
title_pattern  = {committee}-{year}-{serial:6}
base_url       = http://127.0.0.1:8080
