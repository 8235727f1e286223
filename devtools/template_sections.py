"""The deployment sections of `template.yaml`: `features`, `network`, `logs`, `domain`, `capacity` and
`failed_events`.

Values that name cloud resources (VPC, vSwitch, log project, domain, ...) are either literal ids or a
`${NAME}` reference to a deploy-time variable, read from the deployer's environment like every other
deploy-time value.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# A literal resource id / name, or ${NAME}: a deploy-time variable.
RESOURCE = r"^(\$\{[A-Z][A-Z0-9_]*\}|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$"
DOMAIN = r"^(\$\{[A-Z][A-Z0-9_]*\}|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$"
FEATURE = r"^[a-z][a-z0-9-]{0,39}$"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AliyunNetwork(Section):
    """fc3 `vpcConfig`: the VPC, its vSwitches (one per zone the function may run in) and a security group."""

    vpc_id: str = Field(pattern=RESOURCE)
    vswitch_ids: list[Annotated[str, Field(pattern=RESOURCE)]] = Field(min_length=1, max_length=5)
    security_group_id: str = Field(pattern=RESOURCE)


class TencentNetwork(Section):
    """SCF `vpcConfig`: the VPC and one subnet."""

    vpc_id: str = Field(pattern=RESOURCE)
    subnet_id: str = Field(pattern=RESOURCE)


class Network(Section):
    """The private network of the functions that use the database (RDS, PolarDB, TencentDB are private)."""

    aliyun: AliyunNetwork | None = None
    tencent: TencentNetwork | None = None


class AliyunLogs(Section):
    """fc3 `logConfig`: an SLS project and logstore that already exist."""

    project: str = Field(pattern=RESOURCE)
    logstore: str = Field(pattern=RESOURCE)


class TencentLogs(Section):
    """SCF `cls`: a CLS logset and topic that already exist."""

    logset_id: str = Field(pattern=RESOURCE)
    topic_id: str = Field(pattern=RESOURCE)


class Logs(Section):
    aliyun: AliyunLogs | None = None
    tencent: TencentLogs | None = None


class AliyunDomain(Section):
    """An FC custom domain routing every HTTP route of the deployed functions by path."""

    name: str = Field(pattern=DOMAIN)
    protocol: Literal["HTTP", "HTTPS", "HTTP,HTTPS"] = "HTTPS"
    cert_id: str | None = Field(None, pattern=RESOURCE)  # a certificate in the Aliyun certificate service

    @model_validator(mode="after")
    def _https_has_a_certificate(self) -> "AliyunDomain":
        if "HTTPS" in self.protocol and self.cert_id is None:
            raise ValueError("an HTTPS domain needs cert_id (the id of its certificate in Aliyun's certificate "
                             "service), or protocol: HTTP")
        return self


class Domain(Section):
    aliyun: AliyunDomain | None = None


class AliyunCapacity(Section):
    """The Aliyun database's connection limit and the FC region's instance quota the caps share."""

    database_connections: int = Field(ge=1)  # max_connections, or behind a proxy its client-connection limit
    headroom: float = Field(0.2, ge=0, lt=1)  # share kept free: failover overlap, old and new instances of a deploy
    reserved: int = Field(5, ge=0)  # connections kept for operators and migrations
    # FC 3.0: instances of the account in one region (quota centre; 100 by default). Function caps may add
    # up to 90 % of it.
    region_instances: int = Field(100, ge=1)


class TencentCapacity(Section):
    """The Tencent database's connection limit and the SCF region's concurrency quota (in MB) the caps share."""

    database_connections: int = Field(ge=1)
    headroom: float = Field(0.2, ge=0, lt=1)
    reserved: int = Field(5, ge=0)
    # SCF: memory of all concurrent instances of the account in one region (128,000 MB in the large regions,
    # 64,000 MB elsewhere); 12,800 MB of it stays with functions without a reserved quota.
    region_memory_mb: int = Field(128000, ge=12800 + 64)


class Capacity(Section):
    """Per cloud: what the functions' instance caps (`instances:`) are checked against when rendering."""

    aliyun: AliyunCapacity | None = None
    tencent: TencentCapacity | None = None


class AliyunFailedEvents(Section):
    """FC asynchronous invocation: retries, event age, then the failure destination (an MNS queue)."""

    mns_queue: str = Field(pattern=RESOURCE)
    max_retries: int = Field(3, ge=0, le=8)
    max_event_age_seconds: int = Field(86400, ge=1, le=2592000)


class TencentFailedEvents(Section):
    """SCF dead-letter queue (`deadLetter` of the scf component: DeadLetterConfig Type, Name, FilterType)."""

    type: str = Field(pattern=RESOURCE)
    name: str = Field(pattern=RESOURCE)
    filter_type: str | None = Field(None, pattern=RESOURCE)


class FailedEvents(Section):
    """Where a storage-trigger event goes after the platform's last retry (without it, it is dropped)."""

    aliyun: AliyunFailedEvents | None = None
    tencent: TencentFailedEvents | None = None
