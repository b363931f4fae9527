import SROICore
