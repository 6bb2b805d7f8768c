// The cmdlet assembly's folders are namespaces (Bases, Errors, Completion, ...); every file sees all of them.
global using MlvFabric.Bases;
global using MlvFabric.Completion;
global using MlvFabric.Errors;
global using MlvFabric.ExecutionDefinitions;
global using MlvFabric.Jobs;
global using MlvFabric.Resolution;
global using MlvFabric.Schedules;
global using MlvFabric.Session;
global using MlvFabric.Transformation;
