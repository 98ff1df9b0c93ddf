"""Every error code media_service raises, once: add each new one here with
`CODES.add(code, status, meaning, rpcs=(...))`. README.md's table is generated
from this list (`./dev error-codes`); a raise with a code missing here fails
`./dev lint`. The token codes every service shares are pingcrm_common's.
"""

from __future__ import annotations

from pingcrm.media.v1 import media_service_pb2

from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("media_service", service=media_service_pb2.DESCRIPTOR.services_by_name["MediaService"])
