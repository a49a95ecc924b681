import MLCore
