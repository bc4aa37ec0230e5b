"""The pages `api_scale.py` times: each a GraphQL document as a storefront or the dashboard
sends it."""

DISTRIBUTORS = """{ distributors(first: 50) { totalCount edges { node {
  id code name email status grade { name } upline { code } directDownlineCount referralLink
  earnings { accrued { amount currency } reversed { amount } net { amount } } } } } }"""

COMMISSION_FIELDS = """edges { node { orderId orderNumber channel level distributor { code }
  productName quantity rate base { amount currency } accrued { amount } reversed { amount }
  amount { amount } status placedAt earnedAt } }"""

ME_EVERYTHING = """{ me {
  distributor { code grade { name } referralLink directDownlineCount
    earnings { net { amount currency } } }
  application { status }
  referralLink
  earnings { accrued { amount currency } net { amount } }
  balances { currency pending { amount } onHold { amount } available { amount } }
  sales { currency ownSales { amount } teamSales { amount } orders }
  clicks { clicks referredOrders conversionRate }
  team { directCount indirectCount members(first: 20) { edges { node { maskedName level } } } }
  commissions(first: 20) { edges { node { orderNumber level amount { amount } status } } }
  payouts(first: 20) { edges { node { status amount { amount } } } }
  ledger(first: 20) { edges { node { bucket kind amount { amount } orderNumber } } }
} }"""

MY_COMMISSIONS = "{ me { commissions(first: 20) { " + COMMISSION_FIELDS + " } } }"
STAFF_COMMISSIONS = "{ commissions(first: 20) { " + COMMISSION_FIELDS + " } }"
MY_TEAM = """{ me { team { directCount indirectCount
  members(first: 20) { edges { node { level maskedName maskedPhone grade active joinedAt } } }
} } }"""
BALANCES = """{ me { balances { currency pending { amount } onHold { amount }
  available { amount } withdrawable { amount } reserved { amount } paid { amount } } } }"""
PAYOUTS = """{ payouts(first: 50) { totalCount edges { node {
  id status amount { amount currency } fee { amount } net { amount } method payeeName account
  idNumber requestedBy distributor { code name } batch { id }
  events { kind actor reason createdAt } } } } }"""
