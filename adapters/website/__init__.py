"""The government website's interaction system (政府网站互动交流系统): 领导信箱, 咨询, 投诉, 建议."""

from adapters.website.client import WebsiteClient
from adapters.website.inbound import WebsiteInbound
from adapters.website.simulator import create_simulator

__all__ = ["WebsiteClient", "WebsiteInbound", "create_simulator"]
